// layers/layers.hpp — everything in layers/ in one include.
#pragma once

#include "layers/activation_layers.hpp"
#include "layers/dropout.hpp"
#include "layers/ffn.hpp"
#include "layers/linear.hpp"
#include "layers/module.hpp"
