class Solution:
    def countValues(self, nums: List[int]) -> List[List[int]]:
        return [[v, c] for v, c in sorted(Counter(nums).items())]
