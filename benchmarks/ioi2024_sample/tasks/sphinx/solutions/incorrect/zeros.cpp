// Sphinx's Riddle -- incorrect solution: answers colour 0 everywhere without
// any experiment. Full marks only if every vertex has colour 0; 50% on a test
// only if all vertices share one colour (the graph is connected).
// Written for evalkit (MIT).

#include "sphinx.h"

#include <vector>

std::vector<int> find_colours(int N, std::vector<int> X, std::vector<int> Y) {
  (void)X;
  (void)Y;
  return std::vector<int>(N, 0);
}
