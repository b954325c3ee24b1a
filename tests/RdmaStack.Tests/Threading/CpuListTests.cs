using RdmaStack.Threading;

namespace RdmaStack.Tests.Threading;

public class CpuListTests
{
    [Theory]
    [InlineData("", new int[0])]
    [InlineData("\n", new int[0])]
    [InlineData("0", new[] { 0 })]
    [InlineData("0-3\n", new[] { 0, 1, 2, 3 })]
    [InlineData("1,3-4,8", new[] { 1, 3, 4, 8 })]
    [InlineData("4,1,1-2", new[] { 1, 2, 4 })]
    public void Parses_the_kernel_list_format(string text, int[] expected) => Assert.Equal(expected, CpuList.Parse(text));

    [Theory]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1,,2")]
    [InlineData("-1")]
    [InlineData("99999")]
    public void Rejects_malformed_lists_quoting_them(string text)
    {
        var e = Assert.Throws<FormatException>(() => CpuList.Parse(text));
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Formats_runs_collapsed()
    {
        Assert.Equal("0-3,8,10-11", CpuList.Format([11, 0, 1, 2, 3, 8, 10]));
        Assert.Equal(string.Empty, CpuList.Format([]));
    }
}
