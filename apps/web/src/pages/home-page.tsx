import { Button, Card, Col, Empty, Row, Table, Typography } from 'antd';
import { CameraOutlined, CheckCircleOutlined, EditOutlined, RightOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { TAssignmentView } from '@huizhi/contracts';
import { useCurrentUser } from '../auth';
import { useLocale } from '../i18n';
import { assignmentKey, RoleTag, scopeLabel } from '../components/labels';
import { PageHeader } from '../components/page-header';
import { NAV_ROUTES } from '../layout/app-layout';

/** The workspace: a welcome, the person's assignments and what they may do. */
export function HomePage() {
  const me = useCurrentUser();
  const { m } = useLocale();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const shortcuts = me.nav.filter((key) => key !== 'home');
  // A resident raises appeals from the portal; a grid worker reports what they find on patrol.
  const isGridWorker = me.nav.includes('appealIntake') && me.assignments.some((a) => a.role === 'gridWorker');
  const quickAction = me.nav.includes('myAppeals')
    ? { path: '/portal/new', icon: <EditOutlined />, label: m.portal.newAppeal, help: m.portal.intro }
    : isGridWorker
      ? {
          path: '/patrol/new',
          icon: <CameraOutlined />,
          label: m.portal.patrolShortcut,
          help: m.portal.patrolShortcutHelp,
        }
      : null;

  return (
    <>
      <PageHeader
        title={t('home.welcome', { name: me.user.displayName })}
        description={m.home.intro}
        testId="home-welcome"
      />
      {quickAction ? (
        <Card className="section-card" data-testid="home-quick-action">
          <Button
            type="primary"
            size="large"
            block
            icon={quickAction.icon}
            data-testid={quickAction.path === '/patrol/new' ? 'home-patrol' : 'home-new-appeal'}
            onClick={() => void navigate(quickAction.path)}
          >
            {quickAction.label}
          </Button>
          <Typography.Paragraph type="secondary" className="card-help">
            {quickAction.help}
          </Typography.Paragraph>
        </Card>
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={m.home.assignments} className="section-card">
            <Table<TAssignmentView>
              data-testid="home-assignments"
              size="middle"
              pagination={false}
              rowKey={assignmentKey}
              dataSource={me.assignments}
              locale={{ emptyText: <Empty description={m.home.assignmentsEmpty} /> }}
              columns={[
                {
                  key: 'role',
                  title: m.home.role,
                  render: (_, assignment) => <RoleTag role={assignment.role} />,
                  width: 160,
                },
                {
                  key: 'scope',
                  title: m.home.scope,
                  render: (_, assignment) =>
                    assignment.scope.kind === 'self' ? (
                      <span data-testid="scope-name">{m.scopeKinds.self}</span>
                    ) : (
                      <span>
                        <span className="muted scope-kind">{m.scopeKinds[assignment.scope.kind]}</span>
                        <span data-testid="scope-name">{scopeLabel(assignment, m.scopeKinds.self)}</span>
                      </span>
                    ),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={m.home.permissions} className="section-card">
            {me.permissions.length === 0 ? (
              <Typography.Paragraph type="secondary" data-testid="home-permissions-empty">
                {m.home.permissionsEmpty}
              </Typography.Paragraph>
            ) : (
              <ul className="permission-list" data-testid="home-permissions">
                {me.permissions.map((action) => (
                  <li key={action}>
                    <CheckCircleOutlined className="permission-icon" /> {m.actions[action]}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          {shortcuts.length > 0 ? (
            <Card title={m.home.quickLinks} className="section-card shortcut-card">
              <Row gutter={[12, 12]}>
                {shortcuts.map((key) => (
                  <Col xs={12} key={key}>
                    <button
                      type="button"
                      className="shortcut"
                      onClick={() => void navigate(NAV_ROUTES[key].path)}
                    >
                      <span className="shortcut-icon">{NAV_ROUTES[key].icon}</span>
                      <span className="shortcut-label">{m.nav[key]}</span>
                      <RightOutlined className="shortcut-arrow" />
                    </button>
                  </Col>
                ))}
              </Row>
            </Card>
          ) : null}
        </Col>
      </Row>
    </>
  );
}
