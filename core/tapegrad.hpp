// core/tapegrad.hpp — the readable floor of core/ in one include: #include "core/tapegrad.hpp".
// With it comes the one switch to the fast floor (core/fast/switch.hpp: tg::fast::enable());
// the fast floor's own headers (threads: core/fast/parallel.hpp, memory statistics:
// core/fast/memory_pool.hpp) are included by name where they are wanted.
#pragma once

#include "core/anomaly.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/fast/switch.hpp"
#include "core/grad.hpp"
#include "core/gradcheck.hpp"
#include "core/formats/graphviz.hpp"
#include "core/ops.hpp"
#include "core/formats/print.hpp"
#include "core/random.hpp"
#include "core/shape.hpp"
#include "core/tape.hpp"
#include "core/tensor.hpp"
