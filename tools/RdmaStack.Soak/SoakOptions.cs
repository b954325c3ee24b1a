using System.Globalization;

namespace RdmaStack.Soak;

/// <summary>How long and how hard the soak runs.</summary>
/// <param name="Duration">The whole run.</param>
/// <param name="SampleInterval">Between samples.</param>
/// <param name="FaultInterval">Between injected faults.</param>
/// <param name="Rate">Messages per second the publication offers.</param>
/// <param name="Output">The folder the samples and the summary go to.</param>
internal sealed record SoakOptions(TimeSpan Duration, TimeSpan SampleInterval, TimeSpan FaultInterval, int Rate, string Output)
{
    /// <summary>`--minutes M --sample-seconds S --fault-seconds F --rate R --out DIR`, each optional.</summary>
    /// <exception cref="ArgumentException">A value is missing, not a number, or out of its range.</exception>
    public static SoakOptions Parse(string[] args)
    {
        double minutes = 30, sample = 5, fault = 2;
        int rate = 20_000;
        string output = Path.Combine("artifacts", "soak");
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--minutes": minutes = Positive(name, value, 24 * 60); break;
                case "--sample-seconds": sample = Positive(name, value, 3600); break;
                case "--fault-seconds": fault = Positive(name, value, 3600); break;
                case "--rate": rate = (int)Positive(name, value, 10_000_000); break;
                case "--out": output = value; break;
                default: throw new ArgumentException($"unknown option {name} (--minutes, --sample-seconds, --fault-seconds, --rate, --out)");
            }
        }

        return new SoakOptions(TimeSpan.FromMinutes(minutes), TimeSpan.FromSeconds(sample), TimeSpan.FromSeconds(fault), Math.Max(rate, 1), output);
    }

    private static double Positive(string name, string value, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0 && v <= max
            ? v
            : throw new ArgumentException($"{name} must be a number above 0 and at most {max}, got '{value}'.");
}
