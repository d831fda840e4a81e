class Solution:
    def min_operations(self, nums, k):
        return sum(1 for x in nums if x < k)
