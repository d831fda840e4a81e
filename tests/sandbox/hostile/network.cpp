// Tries to reach the outside; prints what happened.
#include <arpa/inet.h>
#include <cstdio>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
int main() {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(80);
    inet_pton(AF_INET, "1.1.1.1", &a.sin_addr);
    int r = s < 0 ? -1 : connect(s, (sockaddr*)&a, sizeof a);
    printf(r == 0 ? "connected\n" : "blocked\n");
    return 0;
}
