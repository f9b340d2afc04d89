using Microsoft.EntityFrameworkCore;

namespace MsRelapse.Storage.Internal;

/// <summary>The CDS Hooks tables (migration <c>CdsHooks</c>, both providers).</summary>
internal static class CdsHooksModel
{
    public const int UuidMaxLength = 36;
    public const int ServiceIdMaxLength = 64;
    public const int SystemMaxLength = 256;
    public const int MaxAcceptedSuggestions = 20;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CdsFeedbackRow>(e =>
        {
            e.ToTable("cds_feedback");
            e.HasKey(f => f.Id);
            e.Property(f => f.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(f => f.ServiceId).HasColumnName("service_id").HasMaxLength(ServiceIdMaxLength);
            e.Property(f => f.CardUuid).HasColumnName("card_uuid").HasMaxLength(UuidMaxLength);
            e.Property(f => f.Outcome).HasColumnName("outcome").HasMaxLength(MsRelapseDbContext.CodeMaxLength);
            e.Property(f => f.OutcomeAt).HasColumnName("outcome_at");
            e.Property(f => f.AcceptedSuggestions).HasColumnName("accepted_suggestions").HasMaxLength((UuidMaxLength + 1) * MaxAcceptedSuggestions);
            e.Property(f => f.OverrideReasonSystem).HasColumnName("override_reason_system").HasMaxLength(SystemMaxLength);
            e.Property(f => f.OverrideReasonCode).HasColumnName("override_reason_code").HasMaxLength(MsRelapseDbContext.CodeMaxLength);
            e.Property(f => f.ReceivedAt).HasColumnName("received_at");
            // The same card and outcome is stored once, whichever instance receives it (the database decides).
            e.HasIndex(f => new { f.CardUuid, f.Outcome }).IsUnique();
        });

        modelBuilder.Entity<CdsCardRow>(e =>
        {
            e.ToTable("cds_cards");
            e.HasKey(c => c.CardUuid);
            e.Property(c => c.CardUuid).HasColumnName("card_uuid").HasMaxLength(UuidMaxLength);
            e.Property(c => c.ServiceId).HasColumnName("service_id").HasMaxLength(ServiceIdMaxLength);
            e.Property(c => c.PatientId).HasColumnName("patient_id").HasMaxLength(MsRelapseDbContext.PatientIdMaxLength);
            e.Property(c => c.IssuedAt).HasColumnName("issued_at");
            e.HasIndex(c => c.PatientId);
        });

        modelBuilder.Entity<CdsTokenIdRow>(e =>
        {
            e.ToTable("cds_token_ids");
            e.HasKey(t => t.Key);
            e.Property(t => t.Key).HasColumnName("token_key").HasMaxLength(64).IsFixedLength();
            e.Property(t => t.ExpiresAt).HasColumnName("expires_at");
            e.HasIndex(t => t.ExpiresAt);
        });
    }
}
