"""Rich printer: the terminal format (colours, panels, tables). The only rich import outside cli.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text
from rich.tree import Tree

from derive.printing.base import DocumentPrinter

if TYPE_CHECKING:  # annotations only: printers dispatch on the class name, so documents may import printers
    from derive import steps as S

STATUS_STYLE = {"correct": "green", "rounded": "green", "follow-through": "yellow",
                "incorrect": "bold red", "missing": "dim"}


class RichPrinter(DocumentPrinter):
    """Builds a rich renderable (a Group of rules, panels and tables)."""

    def doprint(self, doc: Any) -> Any:  # type: ignore[override]
        method = getattr(self, f"_print_{type(doc).__name__}", None)
        if method is None:
            raise TypeError(f"RichPrinter cannot print {type(doc).__name__}")
        return self.join(method(doc))

    def join(self, blocks: list[Any]) -> Any:  # type: ignore[override]
        items = [Text.from_markup(b) if isinstance(b, str) else b for b in blocks if b]
        return Group(*items)

    def heading(self, text: str, level: int = 1) -> Any:  # type: ignore[override]
        if level == 1:
            return Rule(f"[bold]{escape(text)}[/]", align="left")
        return f"\n[bold cyan]{escape(text)}[/]"

    def para(self, text: str) -> str:
        return escape(text)

    def bullet(self, items: list[str]) -> str:
        return "\n".join(f"• {escape(i)}" for i in items)

    def table(self, table: S.Table) -> Any:  # type: ignore[override]
        t = RichTable(title=table.title or None, show_lines=False, header_style="bold")
        for c in table.columns:
            t.add_column(str(c))
        for r in table.rows:
            t.add_row(*(self._styled(str(c)) for c in r))
        return t

    def _styled(self, cell: str) -> Any:
        style = STATUS_STYLE.get(cell) or ("bold red" if cell == "FAIL" else "green" if cell == "ok" else None)
        text = Text(cell, style=style) if style else Text(cell)
        if "✗" in cell:  # a wrong entry inside a vector/matrix answer (CheckReport)
            text.highlight_regex(r"[^\s,\[\]]+✗", "bold red")
        return text

    def step(self, number: int, step: S.Step) -> str:
        body = self.equation(step.lhs, step.formula, step.value, step.shape, step.factors)
        out = f"[bold]{number}.[/] [dim]\\[{escape(step.id)}][/] {escape(step.title)}"
        if body:
            out += f"\n   {escape(body)}"
        if step.because:
            out += f"\n   [italic dim]because {escape(step.because)}[/]"
        return out

    def steps(self, steps: list[S.Step]) -> str:  # type: ignore[override]
        return "\n".join(self.step(i, s) for i, s in enumerate(steps, 1))

    def _print_Derivation(self, d: S.Derivation) -> list[Any]:
        blocks = super()._print_Derivation(d)
        if d.graph is not None and hasattr(d.graph, "tree"):
            blocks.append(self.graph_tree(d.graph))
        return blocks

    def graph_tree(self, graph: Any) -> Any:
        """The computational graph as a rich Tree rooted at the loss (graph.tree() gives nested pairs)."""
        def add(node: Tree, children: list[tuple[str, list[Any]]]) -> None:
            for label, kids in children:
                add(node.add(escape(label)), kids)
        label, kids = graph.tree()
        root = Tree(f"[bold]computational graph[/]: {escape(label)}")
        add(root, kids)
        return Panel(root, expand=False)
