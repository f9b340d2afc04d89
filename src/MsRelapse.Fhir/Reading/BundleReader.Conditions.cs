using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>Conditions: MS diagnoses, relapses, infections and the other conditions the pathway reads (tests: ReaderConditionTests).</summary>
internal sealed partial class BundleReader
{
    private void ReadCondition(IConditionView condition, SourceRef source)
    {
        // Condition: verificationStatus entered-in-error or refuted → ignored (fhir-profile.md).
        if (condition.VerificationStatus.HasStatusCode("entered-in-error", "refuted"))
        {
            return;
        }

        var code = condition.Code;
        MsCourse? hasCourse = null;
        var codings = code.Codings();
        for (var i = 0; i < codings.Count; i++)
        {
            var c = codings[i];
            if (Codes.MsCourseOf(c.System, c.Code) is { } course)
            {
                hasCourse = course;
                break;
            }
        }

        var isRelapse = code.Has(Codes.Relapse);
        var kinds = new List<(ConditionKind Kind, bool Sepsis, bool ByName)>();
        if (code.Has(Codes.Infection.Codes) || code.HasRange(Codes.Infection.Ranges))
        {
            var sepsis = code.Has(Codes.Sepsis.Codes) || code.HasRange(Codes.Sepsis.Ranges) || code.Texts().Any(t => Codes.SepsisWord.IsMatch(t));
            kinds.Add((ConditionKind.Infection, sepsis, false));
        }

        foreach (var rule in Codes.OtherConditions)
        {
            if (code.Has(rule.Codes) || code.HasRange(rule.Ranges))
            {
                kinds.Add((rule.Kind, false, false));
            }
        }

        // Infections by word only where no code of ours matched (fhir-profile.md).
        if (kinds.Count == 0 && hasCourse is null && !isRelapse && code.Texts().Any(t => Codes.InfectionWords.IsMatch(t)))
        {
            kinds.Add((ConditionKind.Infection, code.Texts().Any(t => Codes.SepsisWord.IsMatch(t)), true));
            _notes.Add($"{source.Resource}: recognised as an infection by a word in its text, not by a code.");
        }

        if (hasCourse is null && !isRelapse && kinds.Count == 0)
        {
            return;
        }

        var onsetElement = condition.Onset;
        var abatementElement = condition.Abatement;
        var onset = FhirDates.Read(onsetElement, "Condition.onset");
        var abatement = FhirDates.Read(abatementElement, "Condition.abatement", periodEnd: true);
        var clinical = condition.ClinicalStatus;
        var active = clinical is null || !clinical.Codings().Any()
            ? abatement is null && abatementElement is null
            : clinical.HasStatusCode("active", "recurrence", "relapse");

        if (hasCourse is { } msCourse)
        {
            var recorded = onset ?? FhirDates.Parse(condition.RecordedDate, "Condition.recordedDate");
            _ms.Add(new MsDiagnosis(msCourse, recorded, active, source.At("Condition.code")) { Onset = onset });
        }

        if (isRelapse)
        {
            // A partial onset ("2026", "2026-03") is read as its first day (FhirDates): the earliest it allows, so that the
            // attack never looks more recent than it can be. The day decides windows (14, 42, 90 days), so say it was not given.
            if (onsetElement?.TypeName is "dateTime" or "date" && onsetElement.AsString()?.Trim() is { Length: 4 or 7 } partial && onset is { } first)
            {
                _notes.Add($"{source.Resource}: onset '{partial}' gives no day; read as {first.Date:yyyy-MM-dd}, the earliest it allows (the day decides the 14-, 42- and 90-day windows: check it).");
            }

            // R1: a record without onset is kept (the engine names it in missing data as relapse-onset).
            var resolvedWithoutDate = abatement is null && clinical.HasStatusCode("resolved", "inactive", "remission");
            _relapses.Add(new RelapseRecord(onset, abatement, resolvedWithoutDate, source.At(onset is null ? "Condition.onset" : onsetElement?.TypeName == "Period" ? "Condition.onsetPeriod.start" : "Condition.onsetDateTime"))
            {
                // 2026.2 R2.2a: a record marked recurrence/relapse is never aged out.
                MarkedRecurrence = clinical.HasStatusCode("recurrence", "relapse"),
            });
        }

        foreach (var (kind, sepsis, byName) in kinds)
        {
            _conditions.Add(new ConditionFact(kind, onset, abatement, active, sepsis, byName, source.At("Condition.code")));
        }
    }
}
