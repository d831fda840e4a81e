// Sphinx's Riddle -- partial solution: only finds the monochromatic
// components (phase 1 of the model solution) and returns the component index
// as the colour. Adjacent vertices then get equal values exactly when their
// real colours are equal, so each test gives at least 50%, and 100% only
// when the component indices happen to equal the real colours.
// Written for evalkit (MIT).

#include "sphinx.h"

#include <algorithm>
#include <numeric>
#include <vector>

using namespace std;

vector<int> find_colours(int N, vector<int> X, vector<int> Y) {
  vector<vector<int>> adj(N);
  for (size_t j = 0; j < X.size(); j++) {
    adj[X[j]].push_back(Y[j]);
    adj[Y[j]].push_back(X[j]);
  }
  vector<int> owner(N);                 // component id (a vertex) per vertex
  iota(owner.begin(), owner.end(), 0);
  vector<vector<int>> members(N);
  for (int i = 0; i < N; i++) members[i] = {i};

  // Components of G restricted to `in`.
  auto count_induced = [&](const vector<char>& in) {
    vector<char> seen(N, 0);
    int cnt = 0;
    for (int s = 0; s < N; s++) {
      if (!in[s] || seen[s]) continue;
      cnt++;
      vector<int> st = {s};
      seen[s] = 1;
      while (!st.empty()) {
        int u = st.back();
        st.pop_back();
        for (int v : adj[u])
          if (in[v] && !seen[v]) {
            seen[v] = 1;
            st.push_back(v);
          }
      }
    }
    return cnt;
  };

  for (int i = 1; i < N; i++) {
    vector<int> ids;
    for (int u : adj[i])
      if (u < i) ids.push_back(owner[u]);
    sort(ids.begin(), ids.end());
    ids.erase(unique(ids.begin(), ids.end()), ids.end());
    if (ids.empty()) continue;

    // How many of the components in `sub` have the colour of vertex i.
    auto same_colour = [&](const vector<int>& sub) {
      vector<int> E(N, N);
      vector<char> rest(N, 1);
      E[i] = -1;
      rest[i] = 0;
      for (int id : sub)
        for (int v : members[id]) {
          E[v] = -1;
          rest[v] = 0;
        }
      return static_cast<int>(sub.size()) + 1 + count_induced(rest) - perform_experiment(E);
    };

    vector<int> found;
    // Explicit stack of (range in ids, number of matches in it).
    vector<pair<pair<int, int>, int>> todo = {{{0, static_cast<int>(ids.size())}, same_colour(ids)}};
    while (!todo.empty()) {
      auto [range, cnt] = todo.back();
      todo.pop_back();
      auto [lo, hi] = range;
      if (cnt == 0) continue;
      if (cnt == hi - lo) {
        for (int j = lo; j < hi; j++) found.push_back(ids[j]);
        continue;
      }
      int mid = (lo + hi) / 2;
      int cl = same_colour(vector<int>(ids.begin() + lo, ids.begin() + mid));
      todo.push_back({{lo, mid}, cl});
      todo.push_back({{mid, hi}, cnt - cl});
    }
    for (int id : found) {
      for (int v : members[id]) {
        owner[v] = i;
        members[i].push_back(v);
      }
      members[id].clear();
    }
  }

  // Number the components 0, 1, 2, ... in order of their smallest vertex.
  vector<int> index(N, -1), G(N);
  int next = 0;
  for (int v = 0; v < N; v++) {
    if (index[owner[v]] == -1) index[owner[v]] = next++;
    G[v] = index[owner[v]];
  }
  return G;
}
