// Sphinx's Riddle -- a solution blocked on input: it reads standard input,
// which (std_io, as CMS's TPS loader runs every Communication task) is the
// channel from the manager, while the manager waits for its first experiment.
// Nothing ever arrives: every test ends at the idle limit with almost no CPU
// used, whatever the judge machine's load.  Must get 0 on every test.
// Written for evalkit (MIT).

#include "sphinx.h"

#include <iostream>
#include <vector>

std::vector<int> find_colours(int N, std::vector<int> X, std::vector<int> Y) {
  (void)X;
  (void)Y;
  int x = 0;
  std::cin >> x;  // blocks: the manager sends nothing before an experiment
  return std::vector<int>(N, x);
}
