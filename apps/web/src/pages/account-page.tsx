import { Button, Card, Col, Descriptions, Row, Typography } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { useCurrentUser, useLogout } from '../auth';
import { useLocale } from '../i18n';
import { AssignmentList } from '../components/labels';
import { LanguageSwitch } from '../components/language-switch';
import { PageHeader } from '../components/page-header';

/** The person's own profile, language preference and sign-out. */
export function AccountPage() {
  const me = useCurrentUser();
  const { m } = useLocale();
  const logout = useLogout();
  return (
    <>
      <PageHeader title={m.account.title} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={m.account.profile} className="section-card">
            <Descriptions
              column={1}
              bordered
              size="small"
              data-testid="account-profile"
              items={[
                {
                  key: 'username',
                  label: m.account.username,
                  children: <Typography.Text className="mono">{me.user.username}</Typography.Text>,
                },
                { key: 'displayName', label: m.account.displayName, children: me.user.displayName },
                {
                  key: 'assignments',
                  label: m.account.assignments,
                  children: <AssignmentList assignments={me.assignments} />,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={m.account.language} className="section-card">
            <LanguageSwitch />
            <Typography.Paragraph type="secondary" className="card-help">
              {m.account.languageHelp}
            </Typography.Paragraph>
          </Card>
          <Card title={m.account.session} className="section-card">
            <Typography.Paragraph type="secondary">{m.account.logoutHelp}</Typography.Paragraph>
            <Button
              danger
              icon={<LogoutOutlined />}
              onClick={() => void logout()}
              data-testid="account-logout"
            >
              {m.header.logout}
            </Button>
          </Card>
        </Col>
      </Row>
    </>
  );
}
