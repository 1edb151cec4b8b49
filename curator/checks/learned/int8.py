"""An int8 path for the embedding model's Linear layers on the CPU: weights quantised per output channel once,
activations per token at each call, multiplied with torch's int8 matmul (``torch._int_mm``).

Per token, not per batch: torch's own dynamic quantisation (``quantize_dynamic``) scales a whole batch at once, so a
text's vector changed with the texts beside it (cosine down to 0.93 between two batchings of the bench's texts).
Here each token row is scaled alone; only float noise from padding, rounded, is left (cosine >= 0.997 between the
same two batchings; vectors within cosine 0.995 of fp32). Imported only where torch is already loaded.
"""

from __future__ import annotations

import torch


def _int8_rows(matrix: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric int8 of each row of a 2-D float tensor, and each row's scale."""
    scale = matrix.abs().amax(dim=1, keepdim=True).clamp_(min=1e-12).div_(127.0)
    return (matrix / scale).round_().to(torch.int8), scale


class RowInt8Linear(torch.nn.Module):
    """A Linear whose matmul runs in int8: weights per output channel, activations per token."""

    def __init__(self, linear: torch.nn.Linear):
        super().__init__()
        weight, scale = _int8_rows(linear.weight.detach().float())
        self.register_buffer("weight_t", weight.t().contiguous())  # (in, out): the layout _int_mm reads
        self.register_buffer("weight_scale", scale.reshape(1, -1))
        self.bias = None if linear.bias is None else torch.nn.Parameter(linear.bias.detach().float(), False)
        self.out_features = linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, x.shape[-1]).float()
        quantised, scale = _int8_rows(rows)
        out = torch._int_mm(quantised, self.weight_t).float().mul_(scale).mul_(self.weight_scale)
        if self.bias is not None:
            out.add_(self.bias)
        return out.reshape(*x.shape[:-1], self.out_features).to(x.dtype)


def quantise_linear_layers(model: torch.nn.Module) -> int:
    """Swap every Linear inside `model` for a RowInt8Linear, in place; returns how many were swapped."""
    swapped = 0
    for parent in list(model.modules()):
        for child_name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(parent, child_name, RowInt8Linear(child))
                swapped += 1
    return swapped
