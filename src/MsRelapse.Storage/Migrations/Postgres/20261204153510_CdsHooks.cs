using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MsRelapse.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CdsHooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cds_cards",
                columns: table => new
                {
                    card_uuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    service_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    patient_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cds_cards", x => x.card_uuid);
                });

            migrationBuilder.CreateTable(
                name: "cds_feedback",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    service_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    card_uuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    outcome = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    outcome_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_suggestions = table.Column<string>(type: "character varying(740)", maxLength: 740, nullable: false),
                    override_reason_system = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    override_reason_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cds_feedback", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "cds_token_ids",
                columns: table => new
                {
                    token_key = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cds_token_ids", x => x.token_key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cds_cards_patient_id",
                table: "cds_cards",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "IX_cds_feedback_card_uuid_outcome",
                table: "cds_feedback",
                columns: new[] { "card_uuid", "outcome" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cds_token_ids_expires_at",
                table: "cds_token_ids",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cds_cards");

            migrationBuilder.DropTable(
                name: "cds_feedback");

            migrationBuilder.DropTable(
                name: "cds_token_ids");
        }
    }
}
