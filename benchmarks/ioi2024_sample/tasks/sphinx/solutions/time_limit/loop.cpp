// Sphinx's Riddle -- time-limit solution: performs one experiment, then spins
// forever inside find_colours. Must get 0 on every test (killed by the CPU
// time limit).
// Written for evalkit (MIT).

#include "sphinx.h"

#include <vector>

std::vector<int> find_colours(int N, std::vector<int> X, std::vector<int> Y) {
  (void)X;
  (void)Y;
  perform_experiment(std::vector<int>(N, -1));
  volatile unsigned long long spin = 0;
  for (;;) spin = spin + 1;  // volatile: the loop cannot be optimised away
  return std::vector<int>(N, 0);
}
