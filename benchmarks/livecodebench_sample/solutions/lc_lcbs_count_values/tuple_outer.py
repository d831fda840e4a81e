# A returned tuple becomes a list before comparing (top level only): accepted.
class Solution:
    def countValues(self, nums: List[int]) -> List[List[int]]:
        return tuple([v, c] for v, c in sorted(Counter(nums).items()))
