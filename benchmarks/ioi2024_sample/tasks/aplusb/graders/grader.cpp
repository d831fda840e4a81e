// grader.cpp -- trusted grader for "A + B" (evalkit), compiled together with
// the contestant's aplusb.cpp:
//     g++ -DEVAL -std=gnu++17 -O2 -pipe -static -s -o aplusb grader.cpp aplusb.cpp
//
// Input (stdin, the test's .in file):
//     line 1: input secret
//     line 2: A B
// Output (stdout), compared by checker/checker.cpp:
//     line 1: output secret
//     line 2: OK
//     line 3: sum(A, B)
// If the input is not what the grader expects (wrong input secret, e.g.
// because the contestant read stdin, or malformed numbers), the grader prints
// the output secret followed by "SV" / "PV" and a reason instead of "OK", which
// the checker scores 0.  The secret lines make it impossible for a contestant
// to print an accepted answer directly: anything the contestant writes to
// stdout breaks the expected format.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "aplusb.h"

namespace {

const char kInputSecret[] = "TYv1tXn9bbd1pidxKjU7LZiPKbwtMK8q";
const char kOutputSecret[] = "zX1mLX7DidLevjch8wEUpdRnPEZgvTmq";

[[noreturn]] void finish_with(const char* code, const char* reason) {
    std::printf("%s\n%s\n%s\n", kOutputSecret, code, reason);
    std::fflush(stdout);
    std::exit(0);
}

}  // namespace

int main() {
    char line[256];
    if (!std::fgets(line, sizeof line, stdin)) finish_with("SV", "cannot read input secret");
    size_t len = std::strlen(line);
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    if (std::strcmp(line, kInputSecret) != 0) finish_with("SV", "input secret mismatch");

    int A = 0, B = 0;
    if (std::scanf("%d %d", &A, &B) != 2) finish_with("PV", "cannot read A and B");

    int answer = sum(A, B);

    std::printf("%s\nOK\n%d\n", kOutputSecret, answer);
    std::fflush(stdout);
    return 0;
}
