"""The encoder as torch builds and trains it: all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384) with mean
pooling and one logit per category, a multi-label classifier of a candidate sentence in its context.

Multi-label rather than (category, sentence) pairs: one forward pass scores a sentence for every
category, and the n-gram model's top candidates of different categories are often the same sentence,
so a contract costs one pass per distinct candidate. The forward pass is written out layer by layer
so that training can run the frozen lower layers once and cache their output (on a shared CPU the
upper layers are all there is time to adapt), and so that the ONNX export is this same code.
Imported only by training and export: the analyzer runs the ONNX file and never imports torch."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn


class EncoderNet(nn.Module):
    def __init__(self, model_dir: Path, n_labels: int) -> None:
        super().__init__()
        from transformers import BertModel

        self.bert = BertModel.from_pretrained(str(model_dir), add_pooling_layer=False, attn_implementation="eager")
        self.head = nn.Linear(self.bert.config.hidden_size, n_labels)

    @property
    def n_layers(self) -> int:
        return len(self.bert.encoder.layer)

    def lower(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, attention_mask: torch.Tensor,
              upto: int) -> torch.Tensor:
        """The hidden states after the embeddings and the first `upto` layers."""
        h = self.bert.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
        return self._layers(h, attention_mask, 0, upto)

    def upper(self, hidden: torch.Tensor, attention_mask: torch.Tensor, start: int) -> torch.Tensor:
        """Layers `start`.. over `hidden`, mean pooling over the real tokens, the category logits."""
        h = self._layers(hidden, attention_mask, start, self.n_layers)
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        return self.upper(self.lower(input_ids, token_type_ids, attention_mask, 0), attention_mask, 0)

    def _layers(self, h: torch.Tensor, attention_mask: torch.Tensor, start: int, stop: int) -> torch.Tensor:
        additive = (1.0 - attention_mask[:, None, None, :].to(h.dtype)) * torch.finfo(h.dtype).min
        for layer in self.bert.encoder.layer[start:stop]:
            h = layer(h, attention_mask=additive)
        return h


def export_onnx(net: EncoderNet, path: Path, example: dict[str, torch.Tensor]) -> None:
    """The whole forward pass as ONNX (opset 17), batch and sequence length dynamic. The TorchScript
    exporter (`dynamo=False`) needs nothing beyond torch; the dynamo one would need onnxscript."""
    net.eval()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"logits": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(net, tuple(example[n] for n in names), str(path), input_names=names, output_names=["logits"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
