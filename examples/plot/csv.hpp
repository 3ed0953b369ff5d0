// examples/plot/csv.hpp — the numbers behind a panel, as CSV: a header row, then x first and one
// column per series (two more, "<label> lower" and "<label> upper", for a series with a band).
// Series that do not share their x values are merged on x, leaving empty cells where a series
// has no point.
#pragma once

#include <string>

#include "plot/figure.hpp"

namespace plot {

std::string to_csv(const Panel& panel);
void write_csv(const Panel& panel, const std::string& path);  // through a temporary file

}  // namespace plot
