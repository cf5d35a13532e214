-- The writer's session: no JIT compilation. A batch statement touches thousands of rows,
-- but on a large database the planner's cost estimates (joins that could reach the whole
-- history) pass `jit_above_cost`, and compiling then costs more than running: measured
-- on 10M facts, `199_content_leaders` took 936 ms with JIT and 25 ms without, and
-- PostgreSQL's CPU per 1,000 events grew with the database mostly through compilation.
set jit = off;
