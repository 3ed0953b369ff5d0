#!/usr/bin/python3
"""Cross-check: a tapegrad model saved Llama-shaped gives the same logits in PyTorch.

Not part of tapegrad, its tests or CI (tapegrad uses no Python); run it by hand where PyTorch is
installed (Debian: apt-get install python3-torch). It reads the folder that
`train_transformer --positions rope --save DIR` wrote, runs Hugging Face's LlamaForCausalLM forward
pass written out in plain torch (the same equations as transformers' modeling_llama.py: RMSNorm,
rotate-half RoPE, causal softmax attention, SwiGLU MLP, untied head), and compares with the logits
tapegrad saved for the same prompt:

    build/bin/train_transformer --positions rope --save DIR
    build/bin/train_transformer --load DIR --steps 0 --generate "3141592653589793|" --logits-out DIR/logits.safetensors
    python3 docs/llama_logits.py DIR
"""
import json
import struct
import sys

import torch


def load_safetensors(path):
    """The safetensors format by hand: u64 header size, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        dtype = {"F32": torch.float32, "F64": torch.float64}[e["dtype"]]
        b, t = e["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[b:t]), dtype=dtype).reshape(e["shape"]).clone()
    return out


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def llama_logits(w, c, ids):
    T, d, H = len(ids), c["hidden_size"], c["num_attention_heads"]
    hd = d // H
    inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
    freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.triu(torch.full((T, T), float("-inf")), diagonal=1)
    h = w["model.embed_tokens.weight"][torch.tensor(ids)]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        x = rms_norm(h, w[p + "input_layernorm.weight"], c["rms_norm_eps"])
        q, k, v = (x @ w[p + f"self_attn.{n}_proj.weight"].T for n in "qkv")
        q, k, v = (t.view(T, H, hd).transpose(0, 1) for t in (q, k, v))
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        att = torch.softmax(q @ k.transpose(-1, -2) / hd ** 0.5 + mask, dim=-1)
        h = h + (att @ v).transpose(0, 1).reshape(T, d) @ w[p + "self_attn.o_proj.weight"].T
        x = rms_norm(h, w[p + "post_attention_layernorm.weight"], c["rms_norm_eps"])
        gate = torch.nn.functional.silu(x @ w[p + "mlp.gate_proj.weight"].T)
        h = h + (gate * (x @ w[p + "mlp.up_proj.weight"].T)) @ w[p + "mlp.down_proj.weight"].T
    return rms_norm(h, w["model.norm.weight"], c["rms_norm_eps"]) @ w["lm_head.weight"].T


def main():
    folder = sys.argv[1]
    config = json.load(open(f"{folder}/config.json"))
    assert config.get("model_type") == "llama", "save the model Llama-shaped (--positions rope)"
    tokens = json.load(open(f"{folder}/vocab.json"))["tokens"]
    ids = [tokens.index(ch) for ch in "3141592653589793|"]
    ours = load_safetensors(f"{folder}/logits.safetensors")["logits"]
    theirs = llama_logits(load_safetensors(f"{folder}/model.safetensors"), config, ids)
    print(f"logits {tuple(ours.shape)}, largest |tapegrad - pytorch| = {(ours - theirs).abs().max().item():.3e}")
    print(f"same next-token predictions: {bool((ours.argmax(-1) == theirs.argmax(-1)).all())}")


if __name__ == "__main__":
    main()
