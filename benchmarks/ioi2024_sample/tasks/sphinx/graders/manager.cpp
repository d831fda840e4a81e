// Sphinx's Riddle -- trusted manager (CMS "Communication", 1 user process).
// Written for evalkit from the task statement (MIT); not the official manager.
//
// Compile: g++ -std=gnu++17 -O2 -pipe -o manager manager.cpp
// Run:     ./manager <u0_to_m> <m_to_u0>  < test.in
//   argv[1]: FIFO the user process writes and we read,
//   argv[2]: FIFO we write and the user process reads.
//   stdin:   the test input  "N M / C[0..N-1] / M lines X[j] Y[j]".
// Result:  first line of STDOUT = outcome in [0, 1]
//            1.0  G == C exactly
//            0.5  G != C, but 0 <= G[i] < N and for every edge j
//                 (G[X[j]] == G[Y[j]]) == (C[X[j]] == C[Y[j]])
//            0.0  otherwise, or on any protocol violation;
//          one line on STDERR = human-readable message.
//
// FIFO open order (must mirror stub.cpp, otherwise both sides block in
// open(2) forever): FIRST argv[2] (manager -> user) for writing, THEN
// argv[1] (user -> manager) for reading. The stub opens manager->user for
// reading first and user->manager for writing second, so the opens pair up.
// If the user process never opens its ends (e.g. it dies before main), an
// alarm ends the manager with outcome 0 after OPEN_TIMEOUT_SECONDS.
//
// Protocol (ASCII, whitespace-separated decimal integers):
//   manager -> user : N M X[0] Y[0] ... X[M-1] Y[M-1]
//   user -> manager : 1 L E[0] ... E[L-1]      (perform_experiment)
//   manager -> user : R                         (number of monochromatic
//                                                components), or -1 when the
//                                                call is rejected (then we exit)
//   user -> manager : 2 L G[0] ... G[L-1]      (result of find_colours)
// Every call is validated: L == N, -1 <= E[i] <= N, at most 2750 experiments.
// SIGPIPE is ignored and EOF / garbage on the FIFO counts as a protocol
// violation, so a crashed or killed user process can never hang the manager
// once the FIFOs are open.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

const int MAX_EXPERIMENTS = 2750;
const unsigned OPEN_TIMEOUT_SECONDS = 10;

FILE* fin = nullptr;   // user -> manager
FILE* fout = nullptr;  // manager -> user

int N, M;
std::vector<int> C, X, Y;
int experiments = 0;

[[noreturn]] void finish(double outcome, const std::string& msg) {
  std::printf("%.1f\n", outcome);
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", msg.c_str());
  std::fflush(stderr);
  std::exit(0);
}

// Tell the user process to stop (best effort), then give 0.
[[noreturn]] void reject(const std::string& msg) {
  if (fout) {
    std::fputs("-1\n", fout);
    std::fflush(fout);
  }
  finish(0.0, "Protocol violation: " + msg);
}

[[noreturn]] void judge_failure(const std::string& msg) {
  std::fprintf(stderr, "Judge failure: %s\n", msg.c_str());
  std::exit(3);
}

void on_alarm(int) {
  static const char out[] = "0.0\n";
  static const char err[] =
      "Protocol violation: the user process did not open its FIFOs in time\n";
  ssize_t r = write(STDOUT_FILENO, out, sizeof(out) - 1);
  r = write(STDERR_FILENO, err, sizeof(err) - 1);
  (void)r;
  _exit(0);
}

// Reads one integer token written by the (untrusted) user process.
// Returns false on EOF or malformed input.
bool read_token(long long& value) {
  int ch = getc_unlocked(fin);
  while (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') ch = getc_unlocked(fin);
  if (ch == EOF) return false;
  bool neg = false;
  if (ch == '-') {
    neg = true;
    ch = getc_unlocked(fin);
  }
  if (ch < '0' || ch > '9') return false;
  long long v = 0;
  int digits = 0;
  while (ch >= '0' && ch <= '9') {
    if (++digits > 15) return false;
    v = v * 10 + (ch - '0');
    ch = getc_unlocked(fin);
  }
  if (ch != EOF && ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r') return false;
  value = neg ? -v : v;
  return true;
}

long long read_user_int(const char* what) {
  long long v;
  if (!read_token(v)) {
    if (std::feof(fin))
      reject(std::string("unexpected end of communication while reading ") + what);
    reject(std::string("malformed data while reading ") + what);
  }
  return v;
}

// Disjoint-set forest used to count monochromatic components.
std::vector<int> parent;
int find_root(int x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

int count_components(const std::vector<int>& S) {
  parent.resize(N);
  for (int i = 0; i < N; i++) parent[i] = i;
  int comps = N;
  for (int j = 0; j < M; j++) {
    if (S[X[j]] != S[Y[j]]) continue;
    int a = find_root(X[j]), b = find_root(Y[j]);
    if (a != b) {
      parent[a] = b;
      comps--;
    }
  }
  return comps;
}

void read_input() {
  if (std::scanf("%d %d", &N, &M) != 2) judge_failure("cannot read N M");
  if (N < 1 || M < 0) judge_failure("bad N or M");
  C.resize(N);
  for (int i = 0; i < N; i++)
    if (std::scanf("%d", &C[i]) != 1 || C[i] < 0 || C[i] >= N)
      judge_failure("bad colour in input");
  X.resize(M);
  Y.resize(M);
  for (int j = 0; j < M; j++)
    if (std::scanf("%d %d", &X[j], &Y[j]) != 2 || X[j] < 0 || Y[j] >= N || X[j] >= Y[j])
      judge_failure("bad edge in input");
}

void send_graph() {
  std::string buf;
  buf.reserve(16 + 14 * static_cast<size_t>(M));
  buf += std::to_string(N) + " " + std::to_string(M) + "\n";
  for (int j = 0; j < M; j++) buf += std::to_string(X[j]) + " " + std::to_string(Y[j]) + "\n";
  if (std::fwrite(buf.data(), 1, buf.size(), fout) != buf.size() || std::fflush(fout) != 0)
    finish(0.0, "Protocol violation: could not send the graph to the user process");
}

void handle_experiment() {
  if (experiments >= MAX_EXPERIMENTS)
    reject("too many calls to perform_experiment (more than " +
           std::to_string(MAX_EXPERIMENTS) + ")");
  long long L = read_user_int("the length of E");
  if (L != N)
    reject("perform_experiment: E has length " + std::to_string(L) + ", expected " +
           std::to_string(N));
  std::vector<int> S(N);
  for (int i = 0; i < N; i++) {
    long long e = read_user_int("E");
    if (e < -1 || e > N)
      reject("perform_experiment: E[" + std::to_string(i) + "] = " + std::to_string(e) +
             " is not in [-1, N]");
    S[i] = e == -1 ? C[i] : static_cast<int>(e);
  }
  experiments++;
  int r = count_components(S);
  if (std::fprintf(fout, "%d\n", r) < 0 || std::fflush(fout) != 0)
    finish(0.0, "Protocol violation: the user process stopped reading");
}

[[noreturn]] void handle_answer() {
  const std::string q = " (" + std::to_string(experiments) + " experiments)";
  long long L = read_user_int("the length of G");
  if (L != N)
    finish(0.0, "Wrong answer: find_colours returned an array of length " + std::to_string(L) +
                    ", expected " + std::to_string(N) + q);
  std::vector<long long> G(N);
  for (int i = 0; i < N; i++) G[i] = read_user_int("G");
  for (int i = 0; i < N; i++)
    if (G[i] < 0 || G[i] >= N)
      finish(0.0, "Wrong answer: G[" + std::to_string(i) + "] = " + std::to_string(G[i]) +
                      " is not in [0, N-1]" + q);
  bool exact = true;
  for (int i = 0; i < N; i++)
    if (G[i] != C[i]) exact = false;
  if (exact) finish(1.0, "Output is correct" + q);
  for (int j = 0; j < M; j++) {
    bool same_g = G[X[j]] == G[Y[j]];
    bool same_c = C[X[j]] == C[Y[j]];
    if (same_g != same_c)
      finish(0.0, "Wrong answer: vertices " + std::to_string(X[j]) + " and " +
                      std::to_string(Y[j]) + " are adjacent and " +
                      (same_c ? "have the same colour" : "have different colours") +
                      ", but G says otherwise" + q);
  }
  finish(0.5, "Output is partially correct: the colours differ from C, but every adjacent pair "
              "is correctly classified as same/different" + q);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <user_to_manager_fifo> <manager_to_user_fifo> < input\n",
                 argv[0]);
    return 3;
  }
  std::signal(SIGPIPE, SIG_IGN);
  read_input();

  std::signal(SIGALRM, on_alarm);
  alarm(OPEN_TIMEOUT_SECONDS);
  fout = std::fopen(argv[2], "w");  // 1st: manager -> user
  if (!fout) judge_failure(std::string("cannot open ") + argv[2]);
  fin = std::fopen(argv[1], "r");   // 2nd: user -> manager
  if (!fin) judge_failure(std::string("cannot open ") + argv[1]);
  alarm(0);

  send_graph();
  for (;;) {
    long long op = read_user_int("the next request");
    if (op == 1)
      handle_experiment();
    else if (op == 2)
      handle_answer();
    else
      reject("unknown request " + std::to_string(op));
  }
}
