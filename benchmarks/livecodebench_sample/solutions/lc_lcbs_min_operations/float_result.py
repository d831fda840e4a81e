# 3.0 == 3 under Python ==: accepted, as in LiveCodeBench.
class Solution:
    def minOperations(self, nums: List[int], k: int) -> int:
        return float(sum(1 for x in nums if x < k))
