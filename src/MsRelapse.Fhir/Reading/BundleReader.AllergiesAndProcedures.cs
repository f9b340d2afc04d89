using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>Allergies (steroids, albumin) and apheresis sessions (tests: ReaderMedicationTests, ReaderObservationTests).</summary>
internal sealed partial class BundleReader
{
    private void ReadAllergy(IAllergyView allergy, SourceRef source)
    {
        if (allergy.VerificationStatus.HasStatusCode("entered-in-error", "refuted"))
        {
            return;
        }

        var code = allergy.Code;
        var match = Recognise(code is null ? [] : [code], Codes.AllergyDrugs);
        if (match is null)
        {
            return;
        }

        NoteByName(match, source);
        var clinical = allergy.ClinicalStatus;
        var active = clinical is null || !clinical.Codings().Any() || clinical.HasStatusCode("active");
        var kind = match.Rule == Codes.Albumin ? AllergyKind.Albumin : AllergyKind.Steroid;
        _allergies.Add(new AllergyFact(kind, active, match.Name, source.At("AllergyIntolerance.code")));
    }

    private void ReadProcedure(IProcedureView procedure, SourceRef source)
    {
        var code = procedure.Code;
        foreach (var (kind, rules) in Codes.Apheresis)
        {
            if (!code.Has(rules))
            {
                continue;
            }

            // Only completed sessions count (fhir-profile.md).
            if (procedure.Status != "completed")
            {
                return;
            }

            var performed = procedure.Performed;
            var when = FhirDates.Read(performed, "Procedure.performed");
            if (when is null)
            {
                _notes.Add($"{source.Resource}: apheresis session without a date; not used.");
                return;
            }

            _apheresis.Add(new ApheresisSession(kind, when.Value, source.At(performed?.TypeName == "Period" ? "Procedure.performedPeriod.start" : "Procedure.performedDateTime")));
            return;
        }
    }
}
