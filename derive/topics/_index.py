"""Static index of derive.topics (written by ``python -m derive.discovery``; do not edit)."""

from derive.discovery import Entry

ENTRIES = {
    'activations': Entry('activations', 'sigmoid, tanh, ReLU family, ELU, swish, hard-swish, softplus, softmax: derivative, range, saturation', ()),
    'attention': Entry('attention', 'scaled dot-product attention: ∂L/∂Q, ∂L/∂K, ∂L/∂V; --heads h (W_Q, W_K, W_V, W_O), --mask causal, 1/√d_k vs softmax saturation, positional encoding', ()),
    'batchnorm': Entry('batchnorm', 'batch normalisation: μ_B, σ_B², x̂, y = γx̂ + β and the full backward (∂L/∂x̂, ∂L/∂σ_B², ∂L/∂μ_B, ∂L/∂x, ∂L/∂γ, ∂L/∂β)', ()),
    'conv': Entry('conv', '1-D/2-D convolution (cross-correlation) with stride and padding: output size, ∂L/∂K, ∂L/∂X as a full convolution', ()),
    'gan': Entry('gan', 'GAN minimax: D* = p_data/(p_data + p_g), V(D*, G) = −log 4 + 2·JSD, D and G loss gradients, saturation', ()),
    'gru': Entry('gru', 'GRU cell: every gradient (update/reset gates, candidate, h_(t−1), W, b), course/cho/pytorch conventions', ()),
    'losses': Entry('losses', 'MSE, binary and softmax cross-entropy (∂L/∂z = ŷ − y), L1/L2 penalties and the weight-decay update', ()),
    'lstm': Entry('lstm', 'LSTM cell: ∂L/∂ every gate, c_(t−1), h_(t−1), W and b (concat or split form), BPTT, the cell carousel', ()),
    'mlp': Entry('mlp', 'backprop in a fully connected net: textbook w1…w8 steps, or --matrix for L layers', ()),
    'rnn': Entry('rnn', 'vanilla RNN: BPTT over --steps T, Jacobian products vs the spectral-norm bound, clipping by norm', ()),
    'vae': Entry('vae', 'KL(N(μ,σ²)‖N(0,1)) from its integral, ∂KL/∂μ and ∂KL/∂log σ², reparameterization z = μ + σε, ELBO', ()),
}
