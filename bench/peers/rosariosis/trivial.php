<?php
// The peer's ceiling: PHP with RosarioSIS's session cookie and one query for the logged-in
// user, as our healthz/session reads its session and user; no RosarioSIS code is loaded.
session_name('RosarioSIS');
session_start();
session_write_close();
$db = pg_connect(getenv('ROSARIOSIS_BENCH_DSN') ?: '{dsn}');
$staff_id = isset($_SESSION['STAFF_ID']) ? (int) $_SESSION['STAFF_ID'] : 0;
$result = pg_query_params($db, 'SELECT username FROM staff WHERE staff_id = $1', [$staff_id]);
$row = pg_fetch_row($result);
header('Content-Type: text/plain');
echo $row ? 'ok ' . $row[0] : 'anonymous';
