using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace RdmaStack.Cli.Drill;

/// <summary>
/// Takes links down and up with the operator's commands (a switch-port toggle, `ip link` on another host, a script),
/// each run through <c>/bin/sh -c</c> with <see cref="Placeholder"/> replaced by the link's number (0 or 1). The
/// link-down is started on the hot thread and its end waited for on the drill's link thread; a command that exits
/// with a non-zero status fails the drill with a message naming the command and what it wrote to stderr.
/// </summary>
/// <param name="downCommand">The link-down command, with <see cref="Placeholder"/>.</param>
/// <param name="upCommand">The link-up command, with <see cref="Placeholder"/>.</param>
internal sealed class CommandLinkControl(string downCommand, string upCommand) : ILinkControl
{
    /// <summary>What the commands name the link with: replaced by 0 or 1.</summary>
    public const string Placeholder = "{link}";

    /// <summary>The longest a command may run: long enough for a switch reached over ssh, short enough that a hung
    /// command fails the drill instead of holding it.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Running?[] _running = new Running?[FabricOptions.MaxLinks];
    private readonly bool[] _down = new bool[FabricOptions.MaxLinks];

    /// <inheritdoc/>
    public string ConfirmationMeaning => "link-down command started -> exited with status 0";

    /// <summary>The command for <paramref name="link"/>.</summary>
    /// <param name="command">The command with <see cref="Placeholder"/>.</param>
    /// <param name="link">The link.</param>
    /// <returns>The command line /bin/sh runs.</returns>
    public static string Expand(string command, int link) =>
        command.Replace(Placeholder, link.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <inheritdoc/>
    public string DescribeDown(int link) => Expand(downCommand, link);

    /// <inheritdoc/>
    public long Down(int link)
    {
        string command = Expand(downCommand, link);
        long at = Stopwatch.GetTimestamp();
        Volatile.Write(ref _running[link], Running.Start(command));
        Volatile.Write(ref _down[link], true);
        return at;
    }

    /// <inheritdoc/>
    public long ConfirmDown(int link)
    {
        Running running = Interlocked.Exchange(ref _running[link], null)
            ?? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"no link-down of link {link} was started"));
        return running.Finish();
    }

    /// <inheritdoc/>
    public long Up(int link)
    {
        long at = Stopwatch.GetTimestamp();
        Running.Start(Expand(upCommand, link)).Finish();
        Volatile.Write(ref _down[link], false);
        return at;
    }

    /// <summary>Waits for a link-down still running, then brings back up every link this instance took down.</summary>
    public void Dispose()
    {
        for (int link = 0; link < _down.Length; link++)
        {
            try
            {
                Interlocked.Exchange(ref _running[link], null)?.Finish();
                if (Volatile.Read(ref _down[link]))
                {
                    Up(link);
                }
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"rdmastack: restoring link {link}: {e.Message}");
            }
        }
    }

    /// <summary>One command run by /bin/sh, its output collected as it comes (a full pipe would stop it).</summary>
    private sealed class Running
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        private Running(string command, Process process)
        {
            Command = command;
            _process = process;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public string Command { get; }

        public static Running Start(string command)
        {
            var info = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(command);
            try
            {
                return new Running(command, Process.Start(info) ?? throw new InvalidOperationException($"`{command}`: /bin/sh did not start"));
            }
            catch (Win32Exception e)
            {
                throw new InvalidOperationException($"`{command}`: could not start /bin/sh: {e.Message}", e);
            }
        }

        /// <summary>Waits for the command's end.</summary>
        /// <returns>When it ended (Stopwatch ticks).</returns>
        /// <exception cref="InvalidOperationException">It ran too long (and was killed) or exited with a non-zero status.</exception>
        public long Finish()
        {
            using Process process = _process;
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"`{Command}` did not finish within {CommandTimeout.TotalSeconds:0} s and was killed"));
            }

            long at = Stopwatch.GetTimestamp();
            process.WaitForExit(); // and the output pipes drained
            if (process.ExitCode != 0)
            {
                string said = _stderr.Result.Trim() is { Length: > 0 } stderr ? stderr : _stdout.Result.Trim();
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"`{Command}` exited with status {process.ExitCode}{(said.Length > 0 ? ": " + Last(said, 400) : " and wrote nothing to stderr")}"));
            }

            return at;
        }

        private static string Last(string text, int length) => text.Length <= length ? text : "..." + text[^length..];
    }
}
