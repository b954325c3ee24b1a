namespace RdmaStack.Cli.Commands;

/// <summary>The rule of one numeric option.</summary>
/// <param name="Name">The option as messages name it ("--size (-s)").</param>
/// <param name="Min">The least value.</param>
/// <param name="Max">The largest value.</param>
/// <param name="Whole">Whether only whole numbers are accepted.</param>
/// <param name="Text">The rule in words ("a whole number from 0 to 1,048,576 (bytes)").</param>
internal sealed record NumericRule(string Name, decimal Min, decimal Max, bool Whole, string Text);
