// Each level instantiates two distinct types: 2^N instantiations.
template <int N, int K> struct T {
    static constexpr long v = T<N - 1, 2 * K>::v + T<N - 1, 2 * K + 1>::v;
};
template <int K> struct T<0, K> { static constexpr long v = K; };
int main() { return (int)T<30, 0>::v; }
