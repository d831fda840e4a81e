// aplusb.h -- contestant interface for the task "A + B" (evalkit IOI 2024 sample).
//
// Implement
//     int sum(int A, int B);
// which must return A + B.  All test values satisfy 0 <= A, B <= 100,
// so the result always fits comfortably in an int.
#ifndef EVALKIT_APLUSB_H
#define EVALKIT_APLUSB_H

int sum(int A, int B);

#endif  // EVALKIT_APLUSB_H
