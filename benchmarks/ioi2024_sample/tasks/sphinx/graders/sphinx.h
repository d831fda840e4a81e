// Sphinx's Riddle (IOI 2024, day 2) -- contestant interface.
// Written for evalkit (MIT); not the official IOI header.
#pragma once

#include <vector>

// Implemented by the contestant. Called exactly once per test.
std::vector<int> find_colours(int N, std::vector<int> X, std::vector<int> Y);

// Provided by the grader (stub.cpp). At most 2750 calls.
int perform_experiment(std::vector<int> E);
