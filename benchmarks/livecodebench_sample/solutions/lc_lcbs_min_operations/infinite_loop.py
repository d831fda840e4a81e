class Solution:
    def minOperations(self, nums: List[int], k: int) -> int:
        while True:
            pass
