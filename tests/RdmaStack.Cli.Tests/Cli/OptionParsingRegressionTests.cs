using System.CommandLine;
using RdmaStack.Cli;

namespace RdmaStack.Tests.Cli;

/// <summary>Argument vectors the option-parsing fuzzer (fuzz/, harness cli-options) found crashing the tool with a stack
/// trace; each must now be refused with one line.</summary>
public class OptionParsingRegressionTests
{
    [Theory]
    [InlineData("demo", "--size", "abc")] // a validator read a value that did not convert: exit 134 before
    [InlineData("demo", "--count", "1e3")]
    [InlineData("demo", "@.")] // a response file that is a folder: UnauthorizedAccessException before
    [InlineData("dem", "@/")]
    [InlineData("demo", "-d", "rxe0", "-d", "rxe1")] // a value read by a check did not convert: the parser does not see it
    [InlineData("perf", "write-lat", "--sizes", "", "00")]
    public void Refuses_with_one_line_instead_of_a_stack_trace(params string[] args)
    {
        RootCommand root = Program.CreateRootCommand();
        var error = new StringWriter();

        ParseResult? result = Program.Parse(root, args, error);

        Assert.Null(result); // refused at the parse, before anything starts
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rdmastack", line, StringComparison.Ordinal);
        Assert.EndsWith("--help)", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_command_line_still_parses()
    {
        ParseResult? result = Program.Parse(Program.CreateRootCommand(), ["demo", "--count", "10", "--size", "8"], TextWriter.Null);
        Assert.NotNull(result);
        Assert.Empty(result.Errors);
    }
}
