#include </dev/random>
int main() { return 0; }
