import { useState } from 'react';
import { Navigate, useLocation, useNavigate, type Location } from 'react-router';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { InfoCircleOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useLogin, useMe } from '../auth';
import { ApiError } from '../api';
import { describeError } from '../errors';
import { LanguageSwitch } from '../components/language-switch';
import { BrandMark } from '../components/brand';
import { FullPageSpinner } from '../components/feedback';

interface LoginForm {
  username: string;
  password: string;
}

function targetAfterLogin(state: unknown): string {
  const from = (state as { from?: Location } | null)?.from;
  if (!from || from.pathname === '/login') return '/';
  return `${from.pathname}${from.search}${from.hash}`;
}

/** The sign-in page: username and password, the server's error translated, the language switch. */
export function LoginPage() {
  const { t } = useTranslation();
  const { me, isLoading } = useMe();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);

  if (isLoading) return <FullPageSpinner />;
  if (me) return <Navigate to={targetAfterLogin(location.state)} replace />;

  const onFinish = async (values: LoginForm) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
      void navigate(targetAfterLogin(location.state), { replace: true });
    } catch (caught) {
      setError(caught);
      setSubmitting(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-topbar">
        <LanguageSwitch />
      </div>
      <div className="login-center">
        <div className="login-brand">
          <BrandMark size={48} />
          <div>
            <div className="login-brand-name">{t('app.name')}</div>
            <div className="login-brand-tagline">{t('app.tagline')}</div>
          </div>
        </div>
        <Card className="login-card" variant="borderless">
          <Typography.Title level={3} className="login-title">
            {t('login.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('login.subtitle')}</Typography.Paragraph>
          {error ? (
            <Alert
              data-testid="login-error"
              className="login-error"
              type="error"
              showIcon
              title={describeError(error, t)}
              description={
                error instanceof ApiError && error.code !== 'LOGIN_FAILED' ? (
                  <span className="muted">{t('common.errorCode', { code: error.code })}</span>
                ) : undefined
              }
            />
          ) : null}
          <Form<LoginForm>
            layout="vertical"
            requiredMark={false}
            onFinish={(values) => void onFinish(values)}
            onValuesChange={() => setError(null)}
            autoComplete="on"
            size="large"
          >
            <Form.Item
              name="username"
              label={t('login.username')}
              rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
            >
              <Input
                data-testid="login-username"
                prefix={<UserOutlined />}
                autoComplete="username"
                autoFocus
                maxLength={64}
              />
            </Form.Item>
            <Form.Item
              name="password"
              label={t('login.passwordLabel')}
              rules={[{ required: true, message: t('login.passwordRequired') }]}
            >
              <Input.Password
                data-testid="login-password"
                prefix={<LockOutlined />}
                autoComplete="current-password"
                maxLength={200}
              />
            </Form.Item>
            <Form.Item className="login-submit-item">
              <Button data-testid="login-submit" type="primary" htmlType="submit" block loading={submitting}>
                {t('login.submit')}
              </Button>
            </Form.Item>
          </Form>
          <div className="login-hint" data-testid="demo-hint">
            <InfoCircleOutlined /> 演示账号见服务器控制台 / demo logins are printed in the server console
          </div>
        </Card>
        <div className="login-footer">{t('login.footer')}</div>
      </div>
    </div>
  );
}
