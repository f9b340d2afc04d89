-- Orleans membership (clustering) on PostgreSQL, applied by MsRelapse.Cluster at silo start (PostgresClusterSchema).
-- Times are timestamptz: Orleans passes UTC DateTimes, which Npgsql 6+ writes only to "with time zone" columns.

CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp timestamptz(3) NOT NULL DEFAULT now(),
    Version integer NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150) NOT NULL,
    Address varchar(45) NOT NULL,
    Port integer NOT NULL,
    Generation integer NOT NULL,
    SiloName varchar(150) NOT NULL,
    HostName varchar(150) NOT NULL,
    Status integer NOT NULL,
    ProxyPort integer NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime timestamptz(3) NOT NULL,
    IAmAliveTime timestamptz(3) NOT NULL,
    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

CREATE OR REPLACE FUNCTION msr_orleans_update_i_am_alive_time(
    deployment_id_arg text, address_arg text, port_arg integer, generation_arg integer, i_am_alive_time_arg timestamptz)
  RETURNS void AS
$func$
BEGIN
    UPDATE OrleansMembershipTable AS d
    SET IAmAliveTime = i_am_alive_time_arg
    WHERE d.DeploymentId = deployment_id_arg AND d.Address = address_arg AND d.Port = port_arg AND d.Generation = generation_arg;
END
$func$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION msr_orleans_insert_membership_version(deployment_id_arg text)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    rows_affected integer := 0;
BEGIN
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (deployment_id_arg)
    ON CONFLICT (DeploymentId) DO NOTHING;
    GET DIAGNOSTICS rows_affected = ROW_COUNT;
    RETURN QUERY SELECT rows_affected;
END
$func$ LANGUAGE plpgsql;

-- Insert a silo's row and bump the table version, both or neither (optimistic concurrency on Version).
CREATE OR REPLACE FUNCTION msr_orleans_insert_membership(
    deployment_id_arg text, address_arg text, port_arg integer, generation_arg integer, silo_name_arg text, host_name_arg text,
    status_arg integer, proxy_port_arg integer, start_time_arg timestamptz, i_am_alive_time_arg timestamptz, version_arg integer)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    rows_affected integer := 0;
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Timestamp = now(), Version = Version + 1
    WHERE DeploymentId = deployment_id_arg AND Version = version_arg;
    GET DIAGNOSTICS rows_affected = ROW_COUNT;
    IF rows_affected = 0 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    VALUES (deployment_id_arg, address_arg, port_arg, generation_arg, silo_name_arg, host_name_arg, status_arg, proxy_port_arg, start_time_arg, i_am_alive_time_arg)
    ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
    GET DIAGNOSTICS rows_affected = ROW_COUNT;
    IF rows_affected = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = 'silo row exists';
    END IF;
    RETURN QUERY SELECT rows_affected;
EXCEPTION
    WHEN unique_violation THEN
        RETURN QUERY SELECT 0;
END
$func$ LANGUAGE plpgsql;

-- Update a silo's row and bump the table version, both or neither.
CREATE OR REPLACE FUNCTION msr_orleans_update_membership(
    deployment_id_arg text, address_arg text, port_arg integer, generation_arg integer, status_arg integer,
    suspect_times_arg text, i_am_alive_time_arg timestamptz, version_arg integer)
  RETURNS TABLE(row_count integer) AS
$func$
DECLARE
    rows_affected integer := 0;
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Timestamp = now(), Version = Version + 1
    WHERE DeploymentId = deployment_id_arg AND Version = version_arg;
    GET DIAGNOSTICS rows_affected = ROW_COUNT;
    IF rows_affected = 0 THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    UPDATE OrleansMembershipTable
    SET Status = status_arg, SuspectTimes = suspect_times_arg, IAmAliveTime = i_am_alive_time_arg
    WHERE DeploymentId = deployment_id_arg AND Address = address_arg AND Port = port_arg AND Generation = generation_arg;
    GET DIAGNOSTICS rows_affected = ROW_COUNT;
    IF rows_affected = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = 'no silo row';
    END IF;
    RETURN QUERY SELECT rows_affected;
EXCEPTION
    WHEN no_data_found THEN
        RETURN QUERY SELECT 0;
END
$func$ LANGUAGE plpgsql;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpdateIAmAlivetimeKey',
 'SELECT msr_orleans_update_i_am_alive_time(@DeploymentId, @Address, @Port, @Generation, @IAmAliveTime);'),
('InsertMembershipVersionKey',
 'SELECT row_count FROM msr_orleans_insert_membership_version(@DeploymentId);'),
('InsertMembershipKey',
 'SELECT row_count FROM msr_orleans_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),
('UpdateMembershipKey',
 'SELECT row_count FROM msr_orleans_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version);'),
('MembershipReadRowKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
    AND m.Address = @Address AND @Address IS NOT NULL AND m.Port = @Port AND @Port IS NOT NULL AND m.Generation = @Generation AND @Generation IS NOT NULL
  WHERE v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;'),
('MembershipReadAllKey',
 'SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
  WHERE v.DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;'),
('DeleteMembershipTableEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;
  DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL;'),
('GatewaysQueryKey',
 'SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
  WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL AND Status = @Status AND @Status IS NOT NULL AND ProxyPort > 0;'),
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL AND IAmAliveTime < @IAmAliveTime AND Status <> 3;'),
('CleanupDefunctSiloEntryKey',
 'DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId AND @DeploymentId IS NOT NULL AND Address = @Address AND Port = @Port AND Generation = @Generation;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
