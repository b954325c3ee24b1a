using System.CommandLine;
using RdmaStack.Cli.Ha;
using RdmaStack.Threading;

namespace RdmaStack.Cli.Commands;

/// <summary>The options every process of `rdmastack ha demo` shares: provider and devices, failure bounds.</summary>
internal sealed class HaSettingsOptionSet
{
    /// <summary>The longest bound any of these options takes: an hour, in milliseconds.</summary>
    public const double MaxMilliseconds = 3_600_000;

    public ProviderOptionSet Provider { get; } = new();

    public Option<double> Heartbeat { get; } = new("--heartbeat-ms") { Description = "The primary's heartbeat to the backup when it sends nothing else (ms)", DefaultValueFactory = _ => 1 };

    public Option<double> PromotionTimeout { get; } = new("--promotion-timeout-ms") { Description = "The backup promotes itself after this long without a word from the primary (ms)", DefaultValueFactory = _ => 5 };

    public Option<double> BackupTimeout { get; } = new("--backup-timeout-ms") { Description = "The primary goes on alone after this long without a word from the backup (ms; at least the promotion timeout)", DefaultValueFactory = _ => 20 };

    /// <summary>yield by default: measured on 2 vCPUs (bench/results/README.md, issue 12), the replicated reply p50
    /// 17-18 us against backoff's 120-126 us, and SIGKILL to the first reply from the new primary p50 7.0-7.3 ms against
    /// 8.5-8.7 ms; the price is two busy cores for the run.</summary>
    public Option<string> Idle { get; } = new("--idle") { Description = "The hot threads' idle strategy: yield (spin 20 passes, then yield; never sleeps: both cores stay busy), backoff (spin, yield, then sleep 1 ms: leaves the cores to others) or spin (a core for each hot thread only)", DefaultValueFactory = _ => "yield" };

    public Option<string> Calls { get; } = new("--calls") { Description = "The reference-price lookups: once (the intent replicated first: each key reaches the ledger once) or repeatable (declared reads: no intent round trip; a key may reach the ledger again after a failover)", DefaultValueFactory = _ => "once" };

    public Option<double> LinkTimeout { get; } = new("--link-timeout-ms") { Description = "The transport's heartbeat timeout on every link (ms)", DefaultValueFactory = _ => 50 };

    public HaSettingsOptionSet()
    {
        foreach (Option<double> option in new[] { Heartbeat, PromotionTimeout, BackupTimeout, LinkTimeout })
        {
            option.Number(0.01, MaxMilliseconds, "milliseconds");
        }

        Idle.AcceptOnlyFromAmong([.. IdleStrategy.Names]);
        Calls.AcceptOnlyFromAmong("once", "repeatable");
    }

    public void AddTo(Command command)
    {
        Provider.AddTo(command);
        command.Options.Add(Heartbeat);
        command.Options.Add(PromotionTimeout);
        command.Options.Add(BackupTimeout);
        command.Options.Add(LinkTimeout);
        command.Options.Add(Idle);
        command.Options.Add(Calls);
    }

    /// <exception cref="ArgumentException">The bounds do not fit together.</exception>
    public HaSettings Bind(ParseResult result)
    {
        double heartbeat = result.GetValue(Heartbeat);
        double promotion = result.GetValue(PromotionTimeout);
        double backup = result.GetValue(BackupTimeout);
        if (promotion <= heartbeat)
        {
            throw new ArgumentException("--promotion-timeout-ms must be longer than --heartbeat-ms.");
        }

        if (backup < promotion)
        {
            throw new ArgumentException("--backup-timeout-ms must be at least --promotion-timeout-ms (a primary that was only slow must hear of the promotion first).");
        }

        return new HaSettings(
            Provider.Bind(result),
            TimeSpan.FromMilliseconds(heartbeat),
            TimeSpan.FromMilliseconds(promotion),
            TimeSpan.FromMilliseconds(backup),
            TimeSpan.FromMilliseconds(result.GetValue(LinkTimeout)),
            result.GetValue(Idle)!,
            result.GetValue(Calls)!);
    }
}
