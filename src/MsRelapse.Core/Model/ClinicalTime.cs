namespace MsRelapse.Core.Model;

/// <summary>
/// A clinical date with an optional time of day, exactly as it was written in the record.
/// </summary>
/// <remarks>
/// The pathway compares calendar dates, and measures 24-hour rules with the exact duration only when both
/// instants carry a time ("as written", no time-zone conversion: clinical.md, Conventions). A date-only value
/// therefore keeps <see cref="TimeOfDay"/> null rather than pretending to be midnight.
/// </remarks>
/// <param name="Date">The calendar date.</param>
/// <param name="TimeOfDay">The local time of day as written, when the source carried one.</param>
public readonly record struct ClinicalTime(DateOnly Date, TimeOnly? TimeOfDay = null) : IComparable<ClinicalTime>
{
    /// <summary>True when the source carried a time of day.</summary>
    public bool HasTime => TimeOfDay.HasValue;

    /// <summary>Creates a date-only value.</summary>
    public static ClinicalTime On(DateOnly date) => new(date);

    /// <summary>Creates a value from a local date and time as written.</summary>
    public static ClinicalTime At(DateTime localDateTime) =>
        new(DateOnly.FromDateTime(localDateTime), TimeOnly.FromDateTime(localDateTime));

    /// <summary>Orders by date, then by time (a date-only value sorts before any time on the same date).</summary>
    public int CompareTo(ClinicalTime other)
    {
        var byDate = Date.CompareTo(other.Date);
        if (byDate != 0)
        {
            return byDate;
        }

        return (TimeOfDay, other.TimeOfDay) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            var (a, b) => a!.Value.CompareTo(b!.Value),
        };
    }

    /// <summary>
    /// Whether <paramref name="later"/> is at least 24 hours after this instant, by the rules of clinical.md:
    /// both with a time → the exact duration as written; otherwise the same date is under 24 h and a later date
    /// is 24 h or more.
    /// </summary>
    public bool IsAtLeast24HoursBefore(ClinicalTime later)
    {
        if (HasTime && later.HasTime)
        {
            var start = Date.ToDateTime(TimeOfDay!.Value);
            var end = later.Date.ToDateTime(later.TimeOfDay!.Value);
            return end - start >= TimeSpan.FromHours(24);
        }

        return later.Date > Date;
    }

    /// <summary>ISO 8601 form as written (date, or date and time without zone).</summary>
    public override string ToString() =>
        HasTime ? $"{Date:yyyy-MM-dd}T{TimeOfDay:HH\\:mm\\:ss}" : Date.ToString("yyyy-MM-dd");

    /// <summary>True when <paramref name="left"/> sorts before <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator <(ClinicalTime left, ClinicalTime right) => left.CompareTo(right) < 0;

    /// <summary>True when <paramref name="left"/> sorts after <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator >(ClinicalTime left, ClinicalTime right) => left.CompareTo(right) > 0;

    /// <summary>True when <paramref name="left"/> does not sort after <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator <=(ClinicalTime left, ClinicalTime right) => left.CompareTo(right) <= 0;

    /// <summary>True when <paramref name="left"/> does not sort before <paramref name="right"/> (<see cref="CompareTo"/>).</summary>
    public static bool operator >=(ClinicalTime left, ClinicalTime right) => left.CompareTo(right) >= 0;
}
