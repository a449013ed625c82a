"""Static index of numeric.models (written by ``python -m derive.discovery``; do not edit)."""

from derive.discovery import Entry

ENTRIES = {
    'attention': Entry('attention', 'embedding + positional encoding + multi-head attention reversing token sequences (≥ 99 % held-out)', ()),
    'autoencoder': Entry('autoencoder', 'Autoencoder on load_digits (64→h→code→h→64): reconstruction error vs the mean-image baseline', ()),
    'cnn': Entry('cnn', 'CNN conv3×3-ReLU-maxpool-dense on 1×8×8 digits: test accuracy (≥ 97 % on defaults)', ()),
    'gan': Entry('gan', 'GAN on a ring of 8 Gaussians (or digits): modes covered, non-saturating or minimax generator loss', ()),
    'gru': Entry('gru', 'GRU (both conventions): next-step noisy-sine prediction vs persistence, or a character model (--text)', ()),
    'lstm': Entry('lstm', 'LSTM: next-step noisy-sine prediction vs persistence, or a character model (--text)', ()),
    'mlp': Entry('mlp', 'MLP 64-H-10 (ReLU, softmax CE, Adam) on the 8×8 digits: test accuracy (≥ 97 % on defaults)', ()),
    'perceptron': Entry('perceptron', 'perceptron rule on AND / OR / XOR: converges on AND and OR, fails (cycles) on XOR', ()),
    'rbf': Entry('rbf', 'Gaussian RBF network: XOR with corner centres (or moons/circles with k-means), least squares or trained', ()),
    'rnn': Entry('rnn', 'vanilla RNN: next-step noisy-sine prediction vs persistence, or a character model (--text)', ()),
    'som': Entry('som', 'Self-organizing map (Gaussian neighbourhood, decaying radius and rate) on colours or 2-D points', ()),
    'vae': Entry('vae', 'Variational autoencoder on load_digits: ELBO, reconstruction error, samples and a 2-D latent space', ()),
    'xor': Entry('xor', '2-H-1 MLP learns XOR (NumPy or torch); reports the four outputs and whether XOR is solved', ()),
}
