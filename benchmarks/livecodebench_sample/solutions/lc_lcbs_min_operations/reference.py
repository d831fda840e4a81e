class Solution:
    def minOperations(self, nums: List[int], k: int) -> int:
        return sum(1 for x in nums if x < k)
