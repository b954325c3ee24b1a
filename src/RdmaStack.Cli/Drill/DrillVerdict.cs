namespace RdmaStack.Cli.Drill;

/// <summary>
/// What the receiver of a two-host drill found, sent back to the client over the fabric once the stream is in (the
/// client has no other way to learn it): one <see cref="DrillNumbers"/> message per figure, in the order of the
/// parameters.
/// </summary>
/// <param name="Delivered">Distinct messages delivered.</param>
/// <param name="Lost">Messages never delivered.</param>
/// <param name="Duplicated">Deliveries of a message already delivered.</param>
/// <param name="OutOfOrder">Deliveries that did not follow the previous one.</param>
/// <param name="Corrupted">Deliveries whose payload was wrong.</param>
/// <param name="Switches">Times the reader found the stream on another link.</param>
/// <param name="FaultsReported">Broken links the reader reported to the writer.</param>
/// <param name="Reestablished">Links re-established (new connections accepted after the first).</param>
internal sealed record DrillVerdict(long Delivered, long Lost, long Duplicated, long OutOfOrder, long Corrupted, long Switches, long FaultsReported, long Reestablished)
{
    /// <summary>The number of figures (messages) in a verdict.</summary>
    public const int Figures = 8;

    /// <summary>The receiver's figures.</summary>
    /// <param name="r">What the receiver measured.</param>
    /// <returns>The verdict.</returns>
    public static DrillVerdict Of(VerbsDrillReceiverResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Delivered, r.Lost, r.Duplicated, r.OutOfOrder, r.Corrupted, r.Switches, r.FaultsReported, r.Reestablished);
    }

    /// <summary>The verdict from its figures, in order.</summary>
    /// <param name="figures">The <see cref="Figures"/> numbers.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException">Not <see cref="Figures"/> numbers.</exception>
    public static DrillVerdict FromFigures(ReadOnlySpan<long> figures) => figures.Length == Figures
        ? new(figures[0], figures[1], figures[2], figures[3], figures[4], figures[5], figures[6], figures[7])
        : throw new ArgumentException($"a verdict has {Figures} figures, not {figures.Length}", nameof(figures));

    /// <summary>The figures, in the order they are sent.</summary>
    /// <returns>The numbers.</returns>
    public long[] ToFigures() => [Delivered, Lost, Duplicated, OutOfOrder, Corrupted, Switches, FaultsReported, Reestablished];

    /// <summary>The verdict as the receiver's result, for the report (no timestamps: the hosts share no clock).</summary>
    /// <param name="expected">The messages the receiver expected.</param>
    /// <returns>The result.</returns>
    public VerbsDrillReceiverResult ToReceiverResult(long expected) => new()
    {
        Expected = expected,
        Delivered = Delivered,
        Lost = Lost,
        Duplicated = Duplicated,
        OutOfOrder = OutOfOrder,
        Corrupted = Corrupted,
        Switches = Switches,
        FaultsReported = FaultsReported,
        Reestablished = Reestablished,
    };
}
