namespace RdmaStack.Cli.Drill;

/// <summary>
/// How a two-process drill takes a link down and brings it back: `ip link` on the interfaces of this host
/// (<see cref="InterfaceControl"/>), an operator's command such as a switch-port toggle
/// (<see cref="CommandLinkControl"/>), or, over shared memory, a kill of the link's connection
/// (<see cref="InjectedLinkControl"/>). Re-establishing the link is the library's work, never the control's.
/// </summary>
internal interface ILinkControl : IDisposable
{
    /// <summary>What the confirmation of a link-down measures, for the report (from <see cref="Down"/> to
    /// <see cref="ConfirmDown"/>'s answer).</summary>
    string ConfirmationMeaning { get; }

    /// <summary>What a link-down of <paramref name="link"/> does, for the report.</summary>
    /// <param name="link">The link, 0 or 1.</param>
    /// <returns>For example "ip link set vethA down".</returns>
    string DescribeDown(int link);

    /// <summary>Starts taking <paramref name="link"/> down. Called on the hot thread, so it only starts the
    /// change; <see cref="ConfirmDown"/> waits for it.</summary>
    /// <param name="link">The link.</param>
    /// <returns>The Stopwatch timestamp at which the change was started (detection is measured from it).</returns>
    /// <exception cref="InvalidOperationException">The change could not be started.</exception>
    long Down(int link);

    /// <summary>Waits until the last <see cref="Down"/> of <paramref name="link"/> has taken effect (the drill's link
    /// thread calls it).</summary>
    /// <param name="link">The link.</param>
    /// <returns>When it had, in Stopwatch ticks, or -1 if it was not seen within the control's bound.</returns>
    /// <exception cref="InvalidOperationException">The link-down failed; the message says how.</exception>
    long ConfirmDown(int link);

    /// <summary>Brings <paramref name="link"/> back up (the drill's link thread calls it).</summary>
    /// <param name="link">The link.</param>
    /// <returns>The Stopwatch timestamp at which the link-up was started.</returns>
    /// <exception cref="InvalidOperationException">The link-up failed; the message says how.</exception>
    long Up(int link);
}
