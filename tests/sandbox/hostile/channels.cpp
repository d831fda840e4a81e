// Two user processes of one test try to talk: "w" offers a secret through a file
// in its box (after chmod .), SysV shared memory, an abstract Unix socket and TCP
// on 127.0.0.1; "r" (another uid) looks for it for a while.  Prints what "r" got.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <limits.h>
#include <cstddef>
#include <stdlib.h>
#include <time.h>
static const char SECRET[] = "s3cr3t";
static double now() { timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static sockaddr_un abstract_addr(socklen_t *len) {
    sockaddr_un a; memset(&a, 0, sizeof a); a.sun_family = AF_UNIX;
    memcpy(a.sun_path + 1, "evalkit-chan", 12); *len = offsetof(sockaddr_un, sun_path) + 13; return a;
}
static sockaddr_in tcp_addr() {
    sockaddr_in a; memset(&a, 0, sizeof a); a.sin_family = AF_INET; a.sin_port = htons(47123);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); return a;
}
int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (argv[1][0] == 'w') {
        char cwd[PATH_MAX]; if (!getcwd(cwd, sizeof cwd)) return 3;
        chmod(".", 0777);
        FILE *f = fopen("secret.txt", "w"); if (f) { fputs(SECRET, f); fclose(f); chmod("secret.txt", 0666); }
        FILE *g = fopen("/tmp/where", "w"); if (g) { fputs(cwd, g); fclose(g); }  // /tmp is not writable
        int id = shmget(0x5eC7, 4096, IPC_CREAT | 0666);
        if (id >= 0) { char *p = (char *)shmat(id, 0, 0); if (p != (char *)-1) strcpy(p, SECRET); }
        socklen_t len; sockaddr_un ua = abstract_addr(&len);
        int us = socket(AF_UNIX, SOCK_STREAM, 0); bind(us, (sockaddr *)&ua, len); listen(us, 4);
        int ts = socket(AF_INET, SOCK_STREAM, 0); int one = 1;
        setsockopt(ts, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in ta = tcp_addr(); bind(ts, (sockaddr *)&ta, sizeof ta); listen(ts, 4);
        fcntl(us, F_SETFL, O_NONBLOCK); fcntl(ts, F_SETFL, O_NONBLOCK);
        double end = now() + 1.5;
        while (now() < end) {
            int c;
            if ((c = accept(us, 0, 0)) >= 0) { (void)!write(c, SECRET, 6); close(c); }
            if ((c = accept(ts, 0, 0)) >= 0) { (void)!write(c, SECRET, 6); close(c); }
            usleep(2000);
        }
        puts("w done");
        return 0;
    }
    // "r": the writer's box is a sibling of ours under /box/sN/box (or /tmp/boxN before)
    int got_file = 0, got_shm = 0, got_unix = 0, got_tcp = 0;
    const char *paths[] = {"/box/s0/box/secret.txt", "/tmp/box0/secret.txt", "../../s0/box/secret.txt"};
    double end = now() + 1.2;
    while (now() < end) {
        for (const char *p : paths) { FILE *f = fopen(p, "r"); if (f) { got_file = 1; fclose(f); } }
        int id = shmget(0x5eC7, 0, 0);
        if (id >= 0) { char *p = (char *)shmat(id, 0, SHM_RDONLY); if (p != (char *)-1 && !strcmp(p, SECRET)) got_shm = 1; }
        socklen_t len; sockaddr_un ua = abstract_addr(&len); char buf[8] = {0};
        int us = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(us, (sockaddr *)&ua, len) == 0 && read(us, buf, 6) == 6) got_unix = 1;
        close(us);
        int ts = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in ta = tcp_addr();
        if (connect(ts, (sockaddr *)&ta, sizeof ta) == 0 && read(ts, buf, 6) == 6) got_tcp = 1;
        close(ts);
        usleep(20000);
    }
    printf("file %d shm %d unix %d tcp %d\n", got_file, got_shm, got_unix, got_tcp);
    return 0;
}
