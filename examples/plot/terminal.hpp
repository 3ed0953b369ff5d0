// examples/plot/terminal.hpp — a quick look at a panel without leaving the shell.
//
// Layer: examples. By default each character cell holds a 2x4 grid of Unicode braille dots, so
// a 72x18 plot has 144x72 dots of resolution; `ascii` uses one plain character per cell and per
// series instead (* + o x # @ % &), for terminals without Unicode. `color` adds ANSI colors, one
// per series (use it when stdout is a terminal); braille without color marks each series with its
// own character (the same * + o x ...) every twelve columns, so the legend still tells the curves
// apart. Axes carry the y range and x ticks; a legend line follows.
#pragma once

#include <string>

#include "plot/figure.hpp"

namespace plot {

struct TerminalOptions {
  int width = 72;   // character columns of the plotting area
  int height = 18;  // character rows
  bool ascii = false;
  bool color = false;
};

std::string terminal_plot(const Panel& panel, const TerminalOptions& options = {});

}  // namespace plot
