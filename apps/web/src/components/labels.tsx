import { Space, Tag } from 'antd';
import type { TAssignmentView } from '@huizhi/contracts';
import type { Role, TerritoryLevel } from '@huizhi/domain';
import { useLocale } from '../i18n';

const ROLE_COLORS: Record<Role, string> = {
  resident: 'default',
  operator: 'cyan',
  dispatcher: 'blue',
  handler: 'geekblue',
  unitLead: 'purple',
  gridWorker: 'green',
  partyMember: 'red',
  volunteer: 'orange',
  assessor: 'gold',
  admin: 'volcano',
};

const LEVEL_COLORS: Record<TerritoryLevel, string> = {
  city: 'magenta',
  district: 'red',
  street: 'orange',
  community: 'blue',
  grid: 'green',
  building: 'default',
};

/** A coloured tag with the translated name of a role. */
export function RoleTag({ role }: { role: Role }) {
  const { m } = useLocale();
  return (
    <Tag color={ROLE_COLORS[role]} data-testid={`role-${role}`}>
      {m.roles[role]}
    </Tag>
  );
}

/** A coloured tag with the translated name of a territory level. */
export function LevelTag({ level }: { level: TerritoryLevel }) {
  const { m } = useLocale();
  return <Tag color={LEVEL_COLORS[level]}>{m.levels[level]}</Tag>;
}

/** The name of an assignment's scope: the territory or unit, or "yourself". */
export function scopeLabel(assignment: TAssignmentView, selfLabel: string): string {
  if (assignment.scope.kind === 'self') return selfLabel;
  return assignment.scope.name ?? assignment.scope.id ?? '';
}

/** Assignments as "role · scope" tags, for tables and the profile. */
export function AssignmentList({ assignments }: { assignments: readonly TAssignmentView[] }) {
  const { m } = useLocale();
  if (assignments.length === 0) return <span className="muted">{m.common.none}</span>;
  return (
    <Space size={[4, 4]} wrap>
      {assignments.map((assignment) => (
        <span key={assignmentKey(assignment)} className="assignment">
          <RoleTag role={assignment.role} />
          <span className="assignment-scope">{scopeLabel(assignment, m.scopeKinds.self)}</span>
        </span>
      ))}
    </Space>
  );
}

/** A stable key for an assignment: its role and scope. */
export function assignmentKey(assignment: TAssignmentView): string {
  return `${assignment.role}:${assignment.scope.kind}:${assignment.scope.id ?? ''}`;
}

/** Returns the distinct roles of a person's assignments, in the order they were given. */
export function distinctRoles(assignments: readonly TAssignmentView[]): Role[] {
  return [...new Set(assignments.map((assignment) => assignment.role))];
}
