namespace RdmaStack.Soak;

/// <summary>`RdmaStack.Soak [--minutes M] [--sample-seconds S] [--fault-seconds F] [--rate R] [--out DIR]` (./build.sh soak).
/// Exit 0 when the stream lost nothing and nothing grew past its bound (<see cref="SoakBounds"/>), 1 otherwise, 2 for
/// bad arguments.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"soak: {e.Message}");
            return 2;
        }

        return new SoakRun(options, Console.Out).Run();
    }
}
