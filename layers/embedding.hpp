// layers/embedding.hpp — nn::Embedding: a lookup table of vectors, as torch.nn.Embedding.
//
// Layer: layers. Shapes: weight (num, dim); ids: any count n of integers in [0, num), given
// with the shape they stand for (e.g. (B, T)); out: that shape + (dim,), e.g. (B, T, dim).
// Lookup is index_select on the rows of weight, so the backward pass adds each position's
// gradient into the row it read: a token that appears twice gets both contributions.
// Initialisation as PyTorch: N(0, 1) (models often re-initialise, e.g. to N(0, 0.02^2)).
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "layers/module.hpp"

namespace tg::nn {

class Embedding : public Module {
 public:
  Embedding(std::int64_t num, std::int64_t dim, Generator& gen, DType dtype = float32);
  Tensor forward(const std::vector<std::int64_t>& ids, const Shape& shape) const;
  std::int64_t num_embeddings() const { return weight.size(0); }
  std::int64_t dim() const { return weight.size(1); }
  Tensor weight;  // (num, dim)
};

}  // namespace tg::nn
