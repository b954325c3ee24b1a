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
    public void Refuses_with_one_line_instead_of_a_stack_trace(params string[] args)
    {
        RootCommand root = Program.CreateRootCommand();
        var error = new StringWriter();
        ParseResult? result = Program.Parse(root, args, error);
        if (result is null)
        {
            string text = error.ToString();
            Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("rdmastack: ", text, StringComparison.Ordinal);
            Assert.Contains("--help", text, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotEmpty(result.Errors); // refused by the parser itself, which prints the errors without a trace
        }
    }

    [Fact]
    public void A_valid_command_line_still_parses()
    {
        ParseResult? result = Program.Parse(Program.CreateRootCommand(), ["demo", "--count", "10", "--size", "8"], TextWriter.Null);
        Assert.NotNull(result);
        Assert.Empty(result.Errors);
    }
}
