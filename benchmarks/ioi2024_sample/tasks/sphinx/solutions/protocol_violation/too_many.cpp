// Sphinx's Riddle -- protocol violation: calls perform_experiment 2751 times
// (the limit is 2750), then would return the all-zero colouring. The manager
// rejects the 2751st call, so every test gets 0.
// Written for evalkit (MIT).

#include "sphinx.h"

#include <vector>

std::vector<int> find_colours(int N, std::vector<int> X, std::vector<int> Y) {
  (void)X;
  (void)Y;
  for (int q = 0; q < 2751; q++) perform_experiment(std::vector<int>(N, -1));
  return std::vector<int>(N, 0);
}
