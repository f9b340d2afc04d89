using System.Globalization;

namespace MsRelapse.Testing;

/// <summary>
/// A FHIR date or dateTime as the test writes it: a <see cref="DateOnly"/> becomes a date-only value
/// (<c>2026-05-09</c>), a <see cref="DateTime"/> a dateTime with a time (<c>2026-05-09T08:00:00+00:00</c>), so
/// the 24-hour rules of clinical.md (date-only vs exact duration) can be exercised on both shapes. Every
/// dateTime is written at offset +00:00 so that any reading (as written, or converted to UTC) gives the same
/// clock time.
/// </summary>
public readonly record struct When(DateOnly Date, TimeOnly? Time)
{
    public static implicit operator When(DateOnly date) => new(date, null);

    public static implicit operator When(DateTime dateTime) =>
        new(DateOnly.FromDateTime(dateTime), TimeOnly.FromDateTime(dateTime));

    public static When FromDateOnly(DateOnly date) => date;

    public static When FromDateTime(DateTime dateTime) => dateTime;

    /// <summary>The FHIR string.</summary>
    public string Fhir => Time is { } t
        ? Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T" +
          t.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "+00:00"
        : Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public override string ToString() => Fhir;
}

/// <summary>Short date helpers for vignettes: <c>D("2026-05-11")</c>, <c>T("2026-05-09T08:00")</c>.</summary>
public static class Dates
{
    public static DateOnly D(string isoDate) => DateOnly.ParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateTime T(string isoDateTime) =>
        DateTime.ParseExact(isoDateTime, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None);

    /// <summary>A time on a given date.</summary>
    public static DateTime At(DateOnly date, int hour, int minute = 0) => date.ToDateTime(new TimeOnly(hour, minute));
}
