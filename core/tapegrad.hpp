// core/tapegrad.hpp — everything in core/ in one include: #include "core/tapegrad.hpp".
#pragma once

#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/gradcheck.hpp"
#include "core/graphviz.hpp"
#include "core/memory_pool.hpp"
#include "core/ops.hpp"
#include "core/parallel.hpp"
#include "core/print.hpp"
#include "core/random.hpp"
#include "core/shape.hpp"
#include "core/tape.hpp"
#include "core/tensor.hpp"
