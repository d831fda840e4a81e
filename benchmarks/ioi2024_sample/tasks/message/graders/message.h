// message.h -- contestant interface for the task "Message" (IOI 2024 Day 1),
// evalkit version.
//
// The contestant file message.cpp implements send_message (Aisha) and
// receive_message (Basma).  It is compiled with graders/stub.cpp; the
// resulting program is started twice, once as Aisha and once as Basma, so the
// two procedures never run in the same process.
#ifndef EVALKIT_MESSAGE_H
#define EVALKIT_MESSAGE_H

#include <vector>

// Provided by the grader.  Sends the 31-bit original packet A and returns the
// tainted packet B received by Basma.  At most 100 calls per send_message.
std::vector<bool> send_packet(std::vector<bool> A);

// To be implemented by the contestant.
void send_message(std::vector<bool> M, std::vector<bool> C);
std::vector<bool> receive_message(std::vector<std::vector<bool>> R);

#endif  // EVALKIT_MESSAGE_H
